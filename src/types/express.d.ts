import type { TFunction } from 'i18next';
import type { Types } from 'mongoose';
import type { Locale } from '../config/index.js';
import type { FlashMessage } from '../lib/flash.js';
import type { Role } from '../lib/permissions.js';
import type { Upload } from '../middleware/uploads.js';

declare global {
  namespace Express {
    /** The signed-in user as loaded per request (never includes the password hash). */
    interface User {
      _id: Types.ObjectId;
      email: string;
      name: string;
      role: Role;
      desks: Types.ObjectId[];
      locale: Locale;
      timeZone: string;
    }

    interface Request {
      /** Values that passed Joi validation (see lib/validation). */
      valid: { body?: unknown; query?: unknown; params?: unknown };
      locale: Locale;
      id: string;
      /** The checked upload of a multipart form (middleware/uploads acceptUpload). */
      upload?: Upload;
    }
  }
}

declare module 'express-serve-static-core' {
  interface Locals {
    t: TFunction;
    translatorFor: (locale: Locale) => TFunction;
    flashMessages: FlashMessage[];
    locale: Locale;
    timeZone: string;
    currentUser: Express.User | null;
  }
}

declare module 'express-session' {
  interface SessionData {
    flash?: FlashMessage[];
    locale?: Locale;
    /** When the user signed in: the absolute session lifetime counts from here. */
    signedInAt?: number;
    csrfToken?: string;
  }
}

export {};
