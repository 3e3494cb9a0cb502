// The Trade workspace: market header on top; book and trades on the left, the chart in the
// centre, orders under them, the order ticket on the right, full height. Panels are resizable
// (react-resizable-panels: pointer and keyboard on the separators), the sizes are remembered,
// and "Reset layout" restores the defaults. Narrow windows get one column instead.
import { useEffect, useState, type ReactNode } from 'react';
import { Group, Panel, Separator, type Layout } from 'react-resizable-panels';
import { OrderBook } from '../OrderBook';
import { RecentTrades } from '../RecentTrades';
import { ChartPanel } from '../chart/ChartPanel';
import { OrderTicket } from './OrderTicket';
import { OrdersPanel } from './OrdersPanel';
import { MarketHeader } from './MarketHeader';
import { useResetLayouts, useSavedLayout } from './workspace-prefs';
import './trade.css';

/** Below this width the panels stack in one column (the sidebar also collapses there). */
const WIDE_MIN_PX = 1000;

export const DEFAULT_LAYOUTS: Record<string, Layout> = {
  'trade-main': { 'trade-left': 76, 'trade-ticket': 24 },
  'trade-rows': { 'trade-top': 70, 'trade-orders': 30 },
  'trade-cols': { 'trade-market': 31, 'trade-chart': 69 },
  'trade-side': { 'trade-book': 66, 'trade-trades': 34 },
};

function useWide(): boolean {
  const query = `(min-width: ${WIDE_MIN_PX}px)`;
  const [wide, setWide] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const m = window.matchMedia(query);
    const on = () => setWide(m.matches);
    m.addEventListener('change', on);
    return () => m.removeEventListener('change', on);
  }, [query]);
  return wide;
}

function SavedGroup({ id, orientation, generation, children }: { id: string; orientation: 'horizontal' | 'vertical'; generation: number; children: ReactNode }) {
  const [saved, save] = useSavedLayout(id);
  return (
    <Group
      key={generation} // a reset remounts the group with the defaults
      id={id}
      orientation={orientation}
      defaultLayout={saved ?? DEFAULT_LAYOUTS[id]}
      onLayoutChanged={(layout, meta) => {
        if (meta.isUserInteraction) save(meta.requestedLayout ?? layout);
      }}
      className="ws-group"
    >
      {children}
    </Group>
  );
}

function Handle({ label, orientation }: { label: string; orientation: 'horizontal' | 'vertical' }) {
  return <Separator className={`ws-handle ${orientation}`} aria-label={label} />;
}

export function TradeWorkspace() {
  const wide = useWide();
  const [generation, setGeneration] = useState(0);
  const forget = useResetLayouts();
  // The groups read their layout when they mount: remount them once the defaults are stored.
  const resetLayout = () => void forget().then(() => setGeneration((g) => g + 1), (err: unknown) => console.warn('layout not reset:', err));

  if (!wide) {
    return (
      <div className="trade-stack">
        <MarketHeader />
        <ChartPanel variant="workspace" />
        <div className="stack-two">
          <div className="ws-card"><OrderTicket /></div>
          <div className="ws-card"><OrderBook /></div>
        </div>
        <div className="ws-card"><RecentTrades /></div>
        <div className="ws-card"><OrdersPanel /></div>
      </div>
    );
  }
  return (
    <div className="trade-workspace">
      <MarketHeader onResetLayout={resetLayout} />
      <div className="ws-body">
        {/* The ticket runs the full height on the right (a sale's tax preview and its lots need the room); orders sit under the chart and book. */}
        <SavedGroup id="trade-main" orientation="horizontal" generation={generation}>
          <Panel id="trade-left" minSize="560px">
            <SavedGroup id="trade-rows" orientation="vertical" generation={generation}>
              <Panel id="trade-top" minSize="240px">
                <SavedGroup id="trade-cols" orientation="horizontal" generation={generation}>
                  <Panel id="trade-market" minSize="200px" className="ws-panel">
                    <SavedGroup id="trade-side" orientation="vertical" generation={generation}>
                      <Panel id="trade-book" minSize="120px" className="ws-panel scroll"><OrderBook fit /></Panel>
                      <Handle label="Resize order book and recent trades" orientation="vertical" />
                      <Panel id="trade-trades" minSize="80px" className="ws-panel"><RecentTrades scroll /></Panel>
                    </SavedGroup>
                  </Panel>
                  <Handle label="Resize order book and chart" orientation="horizontal" />
                  <Panel id="trade-chart" minSize="320px" className="ws-panel"><ChartPanel variant="workspace" /></Panel>
                </SavedGroup>
              </Panel>
              <Handle label="Resize workspace and orders" orientation="vertical" />
              <Panel id="trade-orders" minSize="90px" className="ws-panel scroll"><OrdersPanel /></Panel>
            </SavedGroup>
          </Panel>
          <Handle label="Resize chart and order ticket" orientation="horizontal" />
          <Panel id="trade-ticket" minSize="260px" className="ws-panel scroll"><OrderTicket /></Panel>
        </SavedGroup>
      </div>
    </div>
  );
}
