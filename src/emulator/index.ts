export { EMULATOR_DEFAULTS } from './defaults.js';
export {
  type Emulator,
  type EmulatorOptions,
  type Fault,
  type LoggedRequest,
  startEmulator,
} from './server.js';
export { EmulatorState, JOB_KINDS } from './state.js';
