declare function importFile(url: string): Promise<{ default?: unknown }>;
export = importFile;
