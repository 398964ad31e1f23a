import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { AccessHistoryArgs, AuditLogArgs } from './audit.args.js';
import type { AuditQueryService } from './audit.service.js';
import { AccessEventConnection, AuditEntryConnection } from './audit.type.js';

/** What the audit queries need from the request context. */
export interface AuditQueryContext {
  audit: AuditQueryService;
}

/** The auditor's queries over the audit log. Who may call them is the access policy's business, not this class's. */
@Resolver()
export class AuditResolver {
  @Query(() => AuditEntryConnection, { description: 'The audit log, newest first (first: 1–1000, default 20).' })
  auditLog(@Ctx() ctx: AuditQueryContext, @Args(() => AuditLogArgs) { filter, first, after }: AuditLogArgs): Promise<AuditEntryConnection> {
    return ctx.audit.log(filter, first, after);
  }

  @Query(() => AccessEventConnection, {
    description: "Who returned or wrote a person's data, when and for which purpose; newest first (first: 1–1000, default 20).",
  })
  accessHistory(
    @Ctx() ctx: AuditQueryContext,
    @Args(() => AccessHistoryArgs) { personId, first, after }: AccessHistoryArgs,
  ): Promise<AccessEventConnection> {
    return ctx.audit.accessHistory(personId, first, after);
  }
}
