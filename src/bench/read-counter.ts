// The bench report's "reads per node": the same counter the monitor uses (one list of read operations).
export { createReadCounter, isReadOperation, type ReadCounter } from '../monitor/read-counter';
