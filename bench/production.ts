/**
 * Imported first by every bench (before anything that loads graphql): the hub
 * is measured as it runs in production. graphql-js picks its `instanceOf`
 * check when it loads — the development one costs about 5 % of a nested read
 * (issue 15's profile) — and Apollo reads NODE_ENV too. An explicit NODE_ENV
 * (say `NODE_ENV=development npm run bench:read`) is kept, to compare.
 */
process.env.NODE_ENV ??= 'production';

export const benchNodeEnv = process.env.NODE_ENV;
