// Workflow bundle for bench/history-cost.ts: the production workflow and the naive timer-loop variant.
export { shipmentWorkflow } from '../../src/workflows/shipment/workflow';
export { naiveTimerLoopShipment } from './workflow-naive-timer-loop';
