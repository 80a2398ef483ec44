import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

/** Languages a contact speaks (ISO 639-1), in the order the alliance meets them most. */
export const CONTACT_LANGUAGES = [
  'zh',
  'en',
  'th',
  'vi',
  'ms',
  'id',
  'km',
  'lo',
  'my',
  'tl',
  'ja',
  'ko',
  'fr',
  'de',
  'ru',
] as const;
export type ContactLanguage = (typeof CONTACT_LANGUAGES)[number];

const contactSchema = new Schema(
  {
    partner: { type: Schema.Types.ObjectId, ref: 'Partner', required: true },
    name: { type: String, required: true, trim: true, maxlength: 120 },
    nameLocal: { type: String, trim: true, maxlength: 120, default: null },
    title: { type: String, trim: true, maxlength: 120, default: null },
    email: { type: String, trim: true, lowercase: true, maxlength: 254, default: null },
    phone: { type: String, trim: true, maxlength: 50, default: null },
    wechat: { type: String, trim: true, maxlength: 64, default: null },
    line: { type: String, trim: true, maxlength: 64, default: null },
    whatsapp: { type: String, trim: true, maxlength: 50, default: null },
    languages: { type: [String], enum: CONTACT_LANGUAGES, default: [] },
    primary: { type: Boolean, default: false },
    archivedAt: { type: Date, default: null },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    // Derived on write: sort and search keys (see partners' normalise.ts).
    sortName: { type: String, required: true },
    searchTokens: { type: [String], default: [] },
    // Copy of the partner's country for the list filter (kept current by onPartnerUpdated and merges).
    partnerCountry: { type: String, default: null },
  },
  { timestamps: true, collection: 'contacts' },
);

contactSchema.index({ partner: 1, archivedAt: 1, primary: -1, sortName: 1 });
contactSchema.index({ archivedAt: 1, sortName: 1, _id: 1 });
contactSchema.index({ partner: 1, archivedAt: 1, sortName: 1, _id: 1 });
contactSchema.index({ archivedAt: 1, partnerCountry: 1, sortName: 1, _id: 1 });
contactSchema.index({ archivedAt: 1, languages: 1, sortName: 1, _id: 1 });
contactSchema.index({ searchTokens: 1 });
contactSchema.index({ email: 1 });

export type Contact = InferSchemaType<typeof contactSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};
export const ContactModel = model('Contact', contactSchema);
