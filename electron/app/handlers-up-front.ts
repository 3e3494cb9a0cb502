// Handlers of "the compute period up front" (issue 12): the period figures and the
// mint-or-renewal-credit decision, the token's instrument, notifications, and the report
// files a user can take away. Spread into createHandlers (handlers.ts).
import { copyFileSync } from 'node:fs';
import { WalletApiError } from '../../shared/contract/wallet-api.js';
import type { WalletHandlers } from '../api/dispatch.js';
import type { NotificationService } from '../services/notifications/index.js';
import type { InstrumentCache } from './instrument.js';
import { periodDecisionView, type PeriodDecisionSources } from './period-decision.js';
import type { TaxService } from './tax-service.js';

/** What only the desktop shell can do (dialogs, the file manager); absent in browser mode. */
export interface DesktopHooks {
  /** Asks where to save; the chosen path, or null when the user canceled. */
  askSavePath(suggested_name: string): Promise<string | null>;
  showInFolder(file_path: string): void;
}

export interface UpFrontContext {
  tax: TaxService;
  instrument: InstrumentCache;
  notifications: NotificationService;
  /** Null when no platform API key is configured (no subscription to decide on). */
  period: PeriodDecisionSources | null;
  desktop: DesktopHooks | null;
}

type UpFrontHandlers = Pick<
  WalletHandlers,
  | 'listTaxExports' | 'saveReportAs' | 'showReportInFolder' | 'getPeriodDecision' | 'getInstrument'
  | 'listNotifications' | 'markNotificationsRead' | 'getNotificationSettings' | 'updateNotificationSettings'
>;

function desktopOnly(ctx: UpFrontContext): DesktopHooks {
  if (!ctx.desktop) throw new WalletApiError('desktop_only', 'In browser mode, download the file instead.');
  return ctx.desktop;
}

export function upFrontHandlers(ctx: UpFrontContext, wrap: <T>(f: () => Promise<T>) => Promise<T>): UpFrontHandlers {
  return {
    listTaxExports: async () => ctx.tax.listExports(),
    saveReportAs: async (req) => {
      const desktop = desktopOnly(ctx);
      const file = ctx.tax.reportFile(req.export_id, req.name);
      const target = await desktop.askSavePath(req.name);
      // A copy to where the user chose (the dialog asked before replacing a file there).
      if (target !== null) copyFileSync(file.path, target);
      return { saved_to: target };
    },
    showReportInFolder: async (req) => {
      desktopOnly(ctx).showInFolder(ctx.tax.reportFile(req.export_id, req.name).path);
      return {};
    },
    getPeriodDecision: async (req) => {
      const period = ctx.period;
      if (!period) throw new WalletApiError('not_connected', 'The period and its decision need a platform API key: run `npm run wallet -- connect` (see README).');
      return wrap(() => periodDecisionView(period, req));
    },
    getInstrument: async () => ({ instrument: await ctx.instrument.get() }),
    listNotifications: async (req) => ctx.notifications.list(req.limit),
    markNotificationsRead: async (req) => ctx.notifications.markRead(req),
    getNotificationSettings: async () => ctx.notifications.settings(),
    updateNotificationSettings: async (req) => ctx.notifications.updateSettings(req),
  };
}
