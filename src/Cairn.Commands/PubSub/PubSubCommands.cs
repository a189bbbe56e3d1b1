using Cairn.Commands.Clients;
using Cairn.Commands.Execution;
using Cairn.Primitives;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.PubSub;

/// <summary>SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB. Confirmations are push frames in RESP3.</summary>
internal static class PubSubCommands
{
    [Command("SUBSCRIBE")]
    public static void Subscribe(CommandContext ctx)
    {
        for (int i = 1; i < ctx.ArgumentCount; i++)
        {
            byte[] channel = ctx.ArgBytes(i);
            ctx.Server.PubSub.Subscribe(ctx.Client, channel);
            WriteConfirmation(ctx.Reply, "subscribe"u8, channel, ctx.Client.SubscriptionCount);
        }
    }

    [Command("PSUBSCRIBE")]
    public static void PatternSubscribe(CommandContext ctx)
    {
        for (int i = 1; i < ctx.ArgumentCount; i++)
        {
            byte[] pattern = ctx.ArgBytes(i);
            ctx.Server.PubSub.PatternSubscribe(ctx.Client, pattern);
            WriteConfirmation(ctx.Reply, "psubscribe"u8, pattern, ctx.Client.SubscriptionCount);
        }
    }

    [Command("UNSUBSCRIBE")]
    public static void Unsubscribe(CommandContext ctx) => UnsubscribeFrom(ctx, ctx.Client.Channels, "unsubscribe"u8,
        static (registry, client, name) => registry.Unsubscribe(client, name));

    [Command("PUNSUBSCRIBE")]
    public static void PatternUnsubscribe(CommandContext ctx) => UnsubscribeFrom(ctx, ctx.Client.Patterns, "punsubscribe"u8,
        static (registry, client, name) => registry.PatternUnsubscribe(client, name));

    private static void UnsubscribeFrom(CommandContext ctx, HashSet<byte[]> current, ReadOnlySpan<byte> kind,
        Func<PubSubRegistry, Client, byte[], bool> remove)
    {
        List<byte[]> names = [];
        if (ctx.ArgumentCount == 1)
        {
            names.AddRange(current);
            if (names.Count == 0)
            {
                // Redis answers with a null channel and the remaining count.
                ctx.Reply.WritePushHeader(3);
                ctx.Reply.WriteBulkString(kind);
                ctx.Reply.WriteNull();
                ctx.Reply.WriteInteger(ctx.Client.SubscriptionCount);
                return;
            }
        }
        else
        {
            for (int i = 1; i < ctx.ArgumentCount; i++)
            {
                names.Add(ctx.ArgBytes(i));
            }
        }
        foreach (byte[] name in names)
        {
            remove(ctx.Server.PubSub, ctx.Client, name);
            WriteConfirmation(ctx.Reply, kind, name, ctx.Client.SubscriptionCount);
        }
    }

    private static void WriteConfirmation(RespWriter w, ReadOnlySpan<byte> kind, byte[] name, int count)
    {
        w.WritePushHeader(3);
        w.WriteBulkString(kind);
        w.WriteBulkString(name);
        w.WriteInteger(count);
    }

    [Command("PUBLISH")]
    public static void Publish(CommandContext ctx) =>
        ctx.Reply.WriteInteger(ctx.Server.PubSub.Publish(ctx.Arg(1), ctx.Arg(2)));

    [Command("PUBSUB|CHANNELS")]
    public static void Channels(CommandContext ctx)
    {
        if (ctx.ArgumentCount > 3)
        {
            ctx.WrongArgumentCount();
            return;
        }
        List<byte[]> matching = [];
        foreach (byte[] channel in ctx.Server.PubSub.Channels)
        {
            if (ctx.ArgumentCount == 2 || GlobPattern.IsMatch(ctx.Arg(2), channel))
            {
                matching.Add(channel);
            }
        }
        ctx.Reply.WriteArrayHeader(matching.Count);
        foreach (byte[] channel in matching)
        {
            ctx.Reply.WriteBulkString(channel);
        }
    }

    [Command("PUBSUB|NUMSUB")]
    public static void NumSub(CommandContext ctx)
    {
        ctx.Reply.WriteMapHeader(ctx.ArgumentCount - 2);
        for (int i = 2; i < ctx.ArgumentCount; i++)
        {
            ctx.Reply.WriteBulkString(ctx.Arg(i));
            ctx.Reply.WriteInteger(ctx.Server.PubSub.SubscriberCount(ctx.Arg(i)));
        }
    }

    [Command("PUBSUB|NUMPAT")]
    public static void NumPat(CommandContext ctx) => ctx.Reply.WriteInteger(ctx.Server.PubSub.PatternCount);

    [Command("PUBSUB|HELP")]
    public static void Help(CommandContext ctx) => HelpText.Write(ctx, "PUBSUB",
        ["CHANNELS [<pattern>]", "NUMPAT", "NUMSUB [<channel> ...]", "SHARDCHANNELS [<pattern>]", "SHARDNUMSUB [<shardchannel> ...]"]);
}
