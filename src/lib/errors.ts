/** Errors services throw; the error middleware turns them into pages or JSON. */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export class BadRequestError extends AppError {
  constructor(message = 'errors.badRequest', details?: unknown) {
    super(400, 'bad_request', message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'auth.expired') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'errors.forbidden') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'errors.notFound') {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super(409, 'conflict', message, details);
  }
}

export interface FieldErrors {
  [field: string]: string;
}

/** Field-level validation failure: forms re-render with these next to the fields (422). */
export class ValidationError extends AppError {
  readonly fields: FieldErrors;

  constructor(fields: FieldErrors, message = 'errors.formInvalid') {
    super(422, 'validation_failed', message, fields);
    this.fields = fields;
  }
}

export class TooManyRequestsError extends AppError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, message = 'errors.tooMany') {
    super(429, 'too_many_requests', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'errors.unavailable') {
    super(503, 'unavailable', message);
  }
}
