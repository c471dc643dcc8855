/** The analysis service and what its consumers need with it; see ./service.ts for the API. */
export { AnalysisService, type ReportRequest, type WhatIf, type AnalysisServiceOptions } from './service';
export { modelRef, readModelRef, type ModelRef } from './modelRef';
export type { DeviceProvider } from './devices';
export { projectToCell, type CellLayout } from './cellView';
