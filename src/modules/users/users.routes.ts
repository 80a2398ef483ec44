import { Router } from 'express';
import { allow } from '../../lib/permissions.js';
import { validate } from '../../lib/validation.js';
import { formView } from '../../lib/views.js';
import * as profile from './profile.controller.js';
import * as users from './users.controller.js';
import {
  changePasswordSchema,
  createUserSchema,
  listUsersQuery,
  profileSchema,
  resetPasswordSchema,
  updateUserSchema,
  userIdParams,
} from './users.schemas.js';

export const usersRouter = Router();
const manage = allow('users.manage');
const byId = validate({ params: userIdParams });

usersRouter.get('/', manage, validate({ query: listUsersQuery }), users.index);
usersRouter.get('/new', manage, users.newForm);
usersRouter.post(
  '/',
  manage,
  formView('admin/users/new', users.newFormLocals),
  validate({ body: createUserSchema }),
  users.create,
);
usersRouter.get('/:id', manage, byId, users.show);
usersRouter.post(
  '/:id',
  manage,
  byId,
  formView('admin/users/show', users.showLocals),
  validate({ body: updateUserSchema }),
  users.update,
);
usersRouter.post('/:id/disable', manage, byId, formView('admin/users/show', users.showLocals), users.disable);
usersRouter.post('/:id/enable', manage, byId, users.enable);
usersRouter.post(
  '/:id/password',
  manage,
  byId,
  formView('admin/users/show', users.showLocals),
  validate({ body: resetPasswordSchema }),
  users.resetPassword,
);

export const profileRouter = Router();
const self = allow('profile.manage');

profileRouter.get('/', self, profile.show);
profileRouter.post(
  '/',
  self,
  formView('profile/show', profile.profileLocals),
  validate({ body: profileSchema }),
  profile.update,
);
profileRouter.post(
  '/password',
  self,
  formView('profile/show', profile.profileLocals),
  validate({ body: changePasswordSchema }),
  profile.changePassword,
);
