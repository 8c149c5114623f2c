import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.js';
import type { SavedState, SlackState } from './slack/state.js';

/**
 * The embedded Slack's state in `<dataDir>/sandbox/slack.json`, so a restart shows the same
 * conversations: written after changes, at most every quarter second, through a temporary
 * file renamed into place so a crash never leaves half a file.
 */
const DEBOUNCE_MS = 250;

export class SlackFile {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly state: SlackState,
    private readonly logger: Logger,
  ) {}

  static in(dir: string, state: SlackState, logger: Logger): SlackFile {
    return new SlackFile(path.join(dir, 'slack.json'), state, logger);
  }

  /** What the last run left, or undefined on a first start (or an unreadable file, which is set aside). */
  async read(): Promise<SavedState | undefined> {
    if (!existsSync(this.file)) return undefined;
    try {
      const saved = JSON.parse(await fs.readFile(this.file, 'utf8')) as SavedState;
      if (saved.version === 1) return saved;
    } catch (error) {
      this.logger.warn('slack.json could not be read; the sandbox starts empty', { error });
    }
    await fs.rename(this.file, `${this.file}.unreadable`).catch(() => undefined);
    return undefined;
  }

  /** A change happened: write soon. */
  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, DEBOUNCE_MS);
  }

  /** Writes now (and waits for a write under way). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const body = JSON.stringify(this.state.save());
    this.writing = this.writing
      .then(async () => {
        const tmp = `${this.file}.tmp`;
        await fs.writeFile(tmp, body);
        await fs.rename(tmp, this.file);
      })
      .catch((error: unknown) => this.logger.warn('slack.json could not be written', { error }));
    return this.writing;
  }
}
