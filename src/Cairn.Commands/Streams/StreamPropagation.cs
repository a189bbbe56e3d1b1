using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Streams;

namespace Cairn.Commands.Streams;

/// <summary>
/// The deterministic commands the AOF records for consumer-group changes that depend on time (as Redis's
/// streamPropagateXCLAIM, streamPropagateGroupID and streamPropagateConsumerCreation).
/// </summary>
internal static class StreamPropagation
{
    /// <summary>XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n FORCE JUSTID LASTID group-last-id.</summary>
    public static void Claim(CommandContext ctx, byte[] key, StreamGroup group, PendingEntry entry)
    {
        ctx.PropagateAs(
            StreamIds.Ascii("XCLAIM"), key, group.Name, entry.Consumer.Name, "0"u8.ToArray(), entry.Id.ToBytes(),
            StreamIds.Ascii("TIME"), StreamIds.Number(entry.DeliveryTimeMilliseconds),
            StreamIds.Ascii("RETRYCOUNT"), StreamIds.Number(entry.DeliveryCount),
            StreamIds.Ascii("FORCE"), StreamIds.Ascii("JUSTID"), StreamIds.Ascii("LASTID"), group.LastId.ToBytes());
    }

    /// <summary>XCLAIM of an ID whose entry is gone: replay finds it missing and drops it from the PEL too.</summary>
    public static void ClaimDeleted(CommandContext ctx, byte[] key, StreamGroup group, PendingEntry entry) =>
        Claim(ctx, key, group, entry);

    /// <summary>XGROUP SETID key group last-id ENTRIESREAD n.</summary>
    public static void GroupPosition(CommandContext ctx, byte[] key, StreamGroup group)
    {
        ctx.PropagateAs(
            StreamIds.Ascii("XGROUP"), StreamIds.Ascii("SETID"), key, group.Name, group.LastId.ToBytes(),
            StreamIds.Ascii("ENTRIESREAD"), StreamIds.Number(group.EntriesRead));
    }

    /// <summary>XGROUP CREATECONSUMER key group consumer.</summary>
    public static void ConsumerCreated(CommandContext ctx, byte[] key, StreamGroup group, StreamConsumer consumer)
    {
        ctx.PropagateAs(StreamIds.Ascii("XGROUP"), StreamIds.Ascii("CREATECONSUMER"), key, group.Name, consumer.Name);
    }
}
