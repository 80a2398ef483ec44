// Loaded before any application module: config reads the environment once at import.
process.env.NODE_ENV = 'test';
process.env.SESSION_SECRET ??= 'test-secret-test-secret-test-secret-0123456789';
process.env.LOG_LEVEL ??= 'silent';
