import type pg from 'pg';

/**
 * Has the person summary (`stat_person_month`) kept for every year someone is
 * enrolled in: the years enrolled in that `stat_person_year` lacks (a new
 * year's first enrollments, an import of last year's) are built once, for
 * everyone, by `stat_add_years`. Until then such a year is counted from the
 * rows, exact but slow at a million persons. The hub runs this at start, in
 * the background; building a year for a million persons outlasts a request's
 * statement timeout, so it runs on a connection without one. `signal` cancels
 * the build (the hub stopping): nothing is kept of a cancelled year.
 * Returns the years built.
 */
export async function keepEnrolledYears(pool: pg.Pool, signal?: AbortSignal): Promise<number[]> {
  const client = await pool.connect();
  const cancel = () =>
    void pool.query('SELECT pg_cancel_backend($1)', [(client as unknown as { processID: number }).processID]).catch(() => {});
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    const { rows } = await client.query<{ years: number[] }>(
      `SELECT coalesce(array_agg(DISTINCT e.year::int), '{}') AS years FROM enrollment e
       WHERE NOT EXISTS (SELECT 1 FROM stat_person_year y WHERE y.year = e.year)`,
    );
    const missing = rows[0]!.years;
    if (missing.length === 0 || signal?.aborted) return [];
    await client.query('SET statement_timeout = 0');
    try {
      const added = await client.query<{ added: number[] }>('SELECT stat_add_years($1::int[]) AS added', [missing]);
      return added.rows[0]!.added;
    } finally {
      await client.query('RESET statement_timeout');
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
    client.release();
  }
}
