using Cairn.Commands.Execution;
using Cairn.Commands.Json;
using Cairn.Documents.Operations;
using Cairn.Documents.Search;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Search;

/// <summary>
/// RediSearch's FT.* commands over the current database's <see cref="SearchIndexRegistry"/>. Index definition changes
/// (FT.CREATE, FT.DROPINDEX, FT.ALIAS*) count as one change each, so the AOF records them as sent and the save rules see
/// them; snapshots carry the definitions in an auxiliary record (docs/documents.md, "Persistence").
/// </summary>
internal static class SearchCommands
{
    [Command("FT.CREATE")]
    public static void Create(CommandContext ctx)
    {
        JsonReply reply = Run(ctx, "ft.create", out SearchIndexRegistry registry);
        if (!reply.IsError)
        {
            ctx.Store.Dirty++;
            // Small data sets are indexed before the reply, so a search right after FT.CREATE sees them; the cron does the rest.
            if (!registry.BackfillStep(DocumentIndexes.SynchronousBackfillKeys))
            {
                ctx.Server.Documents.MarkBackfillPending();
            }
        }
        JsonReplyWriter.Write(ctx, reply);
    }

    [Command("FT.SEARCH")]
    public static void Search(CommandContext ctx) => Read(ctx, "ft.search");

    [Command("FT.AGGREGATE")]
    public static void Aggregate(CommandContext ctx) => Read(ctx, "ft.aggregate");

    [Command("FT.INFO")]
    public static void Info(CommandContext ctx) => Read(ctx, "ft.info");

    [Command("FT._LIST")]
    public static void List(CommandContext ctx) => Read(ctx, "ft._list");

    [Command("FT.TAGVALS")]
    public static void TagVals(CommandContext ctx) => Read(ctx, "ft.tagvals");

    [Command("FT.EXPLAIN")]
    public static void Explain(CommandContext ctx) => Read(ctx, "ft.explain");

    [Command("FT.DROPINDEX")]
    public static void DropIndex(CommandContext ctx) => Write(ctx, "ft.dropindex");

    [Command("FT.ALIASADD")]
    public static void AliasAdd(CommandContext ctx) => Write(ctx, "ft.aliasadd");

    [Command("FT.ALIASDEL")]
    public static void AliasDel(CommandContext ctx) => Write(ctx, "ft.aliasdel");

    [Command("FT.ALIASUPDATE")]
    public static void AliasUpdate(CommandContext ctx) => Write(ctx, "ft.aliasupdate");

    private static void Read(CommandContext ctx, string name) => JsonReplyWriter.Write(ctx, Run(ctx, name, out _));

    private static void Write(CommandContext ctx, string name)
    {
        JsonReply reply = Run(ctx, name, out _);
        if (!reply.IsError)
        {
            ctx.Store.Dirty++;
        }
        JsonReplyWriter.Write(ctx, reply);
    }

    private static JsonReply Run(CommandContext ctx, string name, out SearchIndexRegistry registry)
    {
        var args = new ReadOnlyMemory<byte>[ctx.ArgumentCount - 1];
        for (int i = 1; i < ctx.ArgumentCount; i++)
        {
            args[i - 1] = ctx.ArgBytes(i);
        }
        int database = ctx.Client.DatabaseIndex;
        registry = ctx.Server.Documents.For(database);
        bool resp3 = ctx.Client.Protocol == RespVersion.Resp3;
        return FtCommandDispatcher.Execute(name, args, registry, new SearchKeyspace(ctx.Server, database, ctx), resp3);
    }
}
