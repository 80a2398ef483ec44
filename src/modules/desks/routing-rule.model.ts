import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const ASSIGNMENT_MODES = ['none', 'least_open'] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];

/**
 * One routing rule. Rules are tried in `position` order; the first enabled rule whose every
 * non-empty criterion contains the case's value wins. An empty list matches anything.
 */
const routingRuleSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 120 },
    position: { type: Number, required: true },
    enabled: { type: Boolean, default: true },
    incidentCountry: { type: [String], default: [] },
    originCountry: { type: [String], default: [] },
    category: { type: [String], default: [] },
    partnerType: { type: [String], default: [] },
    desk: { type: Schema.Types.ObjectId, ref: 'Desk', required: true },
    assignment: { type: String, enum: ASSIGNMENT_MODES, default: 'none' },
  },
  { timestamps: true, collection: 'routingrules' },
);

routingRuleSchema.index({ position: 1 });

export type RoutingRule = InferSchemaType<typeof routingRuleSchema> & { _id: Types.ObjectId };
export const RoutingRuleModel = model('RoutingRule', routingRuleSchema);
