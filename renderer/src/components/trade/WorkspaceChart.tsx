// The chart panel of the workspace (components/chart/), sized by its resizable panel.
import { ChartPanel } from '../chart/ChartPanel';

export function WorkspaceChart() {
  return <ChartPanel variant="workspace" />;
}
