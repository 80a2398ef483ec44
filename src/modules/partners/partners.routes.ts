import { Router } from 'express';

// Routes are filled in by the partners controller (list, forms, page, archive, merge, bulk).
export const partnersRouter = Router();
