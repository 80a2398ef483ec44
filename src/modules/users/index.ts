export { UserModel, normaliseEmail, PUBLIC_USER_FIELDS, type User } from './user.model.js';
export { hashPassword, verifyPassword, dummyVerify, ARGON2_OPTIONS, PASSWORD_MIN } from './password.js';
export {
  activeUsers,
  countUsers,
  createUser,
  endSessionsOf,
  findUser,
  loadSessionUser,
  setDisabled,
  setLocale,
  setPassword,
  updateUser,
  userNames,
  type PublicUser,
} from './users.service.js';
export { createUserSchema, setupSchema, type CreateUserInput } from './users.schemas.js';
export { usersRouter, profileRouter } from './users.routes.js';
