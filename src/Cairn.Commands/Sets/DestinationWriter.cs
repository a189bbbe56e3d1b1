using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Sets;

/// <summary>How the STORE variants (SINTERSTORE, ZUNIONSTORE, ZRANGESTORE...) write their destination, as Redis's setKey/dbDelete.</summary>
internal static class DestinationWriter
{
    /// <summary>
    /// Stores a non-empty result (replacing any value and dropping its TTL) and notifies <paramref name="eventName"/>; an
    /// empty result deletes the destination instead (notifying "del" when it existed).
    /// </summary>
    public static void Store(CommandContext ctx, ReadOnlySpan<byte> destination, DataObject result, KeyspaceEvents eventType, string eventName)
    {
        Database db = ctx.Database;
        if (result.Length > 0)
        {
            db.Set(destination, result, 0, keepTtl: false, ctx.Now);
            ctx.Modified(destination);
            ctx.Notify(eventType, eventName, destination);
            return;
        }
        if (db.Remove(destination, ctx.Now))
        {
            ctx.Modified(destination);
            ctx.Notify(KeyspaceEvents.Generic, "del", destination);
        }
    }
}
