export { EMULATOR_DEFAULTS } from './defaults.js';
export { startEmulator, type Emulator, type EmulatorOptions, type Fault, type LoggedRequest } from './server.js';
export { EmulatorState, JOB_KINDS } from './state.js';
