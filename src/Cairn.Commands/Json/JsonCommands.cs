using Cairn.Commands.Execution;
using Cairn.Documents.Operations;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Json;

/// <summary>
/// RedisJSON's JSON.* commands: each handler adapts the command to <see cref="JsonCommandDispatcher"/> (arguments
/// without the name, the current database as <see cref="IJsonKeyspace"/>) and writes its reply. Writes are logged to
/// the AOF as sent: every JSON command is deterministic given the document (NUMINCRBY is plain IEEE arithmetic).
/// </summary>
internal static class JsonCommands
{
    [Command("JSON.SET")]
    public static void Set(CommandContext ctx) => Run(ctx, "json.set", "json.set");

    [Command("JSON.GET")]
    public static void Get(CommandContext ctx) => Run(ctx, "json.get", "json.get");

    [Command("JSON.MGET")]
    public static void MGet(CommandContext ctx) => Run(ctx, "json.mget", "json.mget");

    [Command("JSON.MSET")]
    public static void MSet(CommandContext ctx) => Run(ctx, "json.mset", "json.mset");

    [Command("JSON.MERGE")]
    public static void Merge(CommandContext ctx) => Run(ctx, "json.merge", "json.merge");

    [Command("JSON.DEL")]
    public static void Del(CommandContext ctx) => Run(ctx, "json.del", "json.del");

    [Command("JSON.FORGET")]
    public static void Forget(CommandContext ctx) => Run(ctx, "json.forget", "json.del");

    [Command("JSON.TYPE")]
    public static void Type(CommandContext ctx) => Run(ctx, "json.type", "json.type");

    [Command("JSON.CLEAR")]
    public static void Clear(CommandContext ctx) => Run(ctx, "json.clear", "json.clear");

    [Command("JSON.TOGGLE")]
    public static void Toggle(CommandContext ctx) => Run(ctx, "json.toggle", "json.toggle");

    [Command("JSON.NUMINCRBY")]
    public static void NumIncrBy(CommandContext ctx) => Run(ctx, "json.numincrby", "json.numincrby");

    [Command("JSON.NUMMULTBY")]
    public static void NumMultBy(CommandContext ctx) => Run(ctx, "json.nummultby", "json.nummultby");

    [Command("JSON.STRAPPEND")]
    public static void StrAppend(CommandContext ctx) => Run(ctx, "json.strappend", "json.strappend");

    [Command("JSON.STRLEN")]
    public static void StrLen(CommandContext ctx) => Run(ctx, "json.strlen", "json.strlen");

    [Command("JSON.ARRAPPEND")]
    public static void ArrAppend(CommandContext ctx) => Run(ctx, "json.arrappend", "json.arrappend");

    [Command("JSON.ARRINDEX")]
    public static void ArrIndex(CommandContext ctx) => Run(ctx, "json.arrindex", "json.arrindex");

    [Command("JSON.ARRINSERT")]
    public static void ArrInsert(CommandContext ctx) => Run(ctx, "json.arrinsert", "json.arrinsert");

    [Command("JSON.ARRLEN")]
    public static void ArrLen(CommandContext ctx) => Run(ctx, "json.arrlen", "json.arrlen");

    [Command("JSON.ARRPOP")]
    public static void ArrPop(CommandContext ctx) => Run(ctx, "json.arrpop", "json.arrpop");

    [Command("JSON.ARRTRIM")]
    public static void ArrTrim(CommandContext ctx) => Run(ctx, "json.arrtrim", "json.arrtrim");

    [Command("JSON.OBJKEYS")]
    public static void ObjKeys(CommandContext ctx) => Run(ctx, "json.objkeys", "json.objkeys");

    [Command("JSON.OBJLEN")]
    public static void ObjLen(CommandContext ctx) => Run(ctx, "json.objlen", "json.objlen");

    [Command("JSON.RESP")]
    public static void Resp(CommandContext ctx) => Run(ctx, "json.resp", "json.resp");

    [Command("JSON.DEBUG")]
    public static void Debug(CommandContext ctx) => Run(ctx, "json.debug", "json.debug");

    private static void Run(CommandContext ctx, string name, string eventName)
    {
        var args = new ReadOnlyMemory<byte>[ctx.ArgumentCount - 1];
        for (int i = 1; i < ctx.ArgumentCount; i++)
        {
            args[i - 1] = ctx.ArgBytes(i);
        }
        var keyspace = new CommandJsonKeyspace(ctx, eventName);
        JsonReply reply = JsonCommandDispatcher.Execute(name, args, keyspace, ctx.Client.Protocol == RespVersion.Resp3);
        JsonReplyWriter.Write(ctx, reply);
    }
}
