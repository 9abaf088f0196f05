// Workflow bundle entry: workflow functions only (the worker bundles this file).
export { shipmentWorkflow } from './shipment/workflow';
export { storeReplayWorkflow } from './store-replay/workflow';
