/**
 * Expected failures: the person asked for something that does not exist, is not theirs
 * to change, or was already done. Each carries the sentence they will read; listeners
 * turn it into an ephemeral message. Anything else is a bug and is logged.
 */
export type DomainErrorKind = 'not_found' | 'forbidden' | 'conflict' | 'invalid';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (message: string) => new DomainError('not_found', message);
export const forbidden = (message: string) => new DomainError('forbidden', message);
export const conflict = (message: string) => new DomainError('conflict', message);
