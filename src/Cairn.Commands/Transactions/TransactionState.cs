using Cairn.Commands.Clients;
using Cairn.Commands.Execution;

namespace Cairn.Commands.Transactions;

/// <summary>Shared MULTI/WATCH bookkeeping (also used by RESET and disconnects).</summary>
public static class TransactionState
{
    public static void Discard(CommandContext ctx)
    {
        Client client = ctx.Client;
        client.InMulti = false;
        client.MultiHadError = false;
        client.Queue.Clear();
    }

    public static void UnwatchAll(CommandContext ctx)
    {
        Client client = ctx.Client;
        foreach ((int database, byte[] key) in client.WatchedKeys)
        {
            ctx.Store[database].Unwatch(key, client);
        }
        client.WatchedKeys.Clear();
        client.WatchBroken = false;
    }
}
