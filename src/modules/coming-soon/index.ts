export { comingSoonRouter } from './coming-soon.routes.js';
