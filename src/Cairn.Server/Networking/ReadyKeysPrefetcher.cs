using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Server.Networking.Epoll;

namespace Cairn.Server.Networking;

/// <summary>
/// Prefetches the keys that the clients of one epoll wake-up are about to look up, before the first of them runs. With
/// many clients sending one request each (no pipelining), every request's key look-up otherwise stalls on its own cache
/// misses (bucket, slot, key) one after the other; issued together their misses overlap, as a pipelined batch's do
/// (<see cref="Connection"/>'s look-ahead). One per loop: its scratch arrays belong to the loop's thread.
/// </summary>
internal sealed class ReadyKeysPrefetcher(ServerContext server) : IReceiveAheadBatch
{
    private const int MaxKeys = 64;
    private readonly int[] _hashes = new int[MaxKeys];
    private readonly Database?[] _databases = new Database?[MaxKeys];

    public void Run(ReadOnlySpan<EpollSocket> received)
    {
        server.Store.Lock.Enter();
        try
        {
            while (!received.IsEmpty)
            {
                ReadOnlySpan<EpollSocket> part = received[..Math.Min(received.Length, MaxKeys)];
                received = received[part.Length..];
                int keys = 0;
                foreach (EpollSocket socket in part)
                {
                    if (socket.AheadTarget is { } target && target.TryFirstKey(socket.ReceivedAhead, out Database database, out int hash))
                    {
                        _databases[keys] = database;
                        _hashes[keys++] = hash;
                    }
                }
                Prefetch(keys);
            }
        }
        finally
        {
            server.Store.Lock.Exit();
        }
    }

    /// <summary>Prefetches per database, in runs: clients nearly always share one, so that is a single call.</summary>
    private void Prefetch(int keys)
    {
        int start = 0;
        while (start < keys)
        {
            Database database = _databases[start]!;
            int end = start + 1;
            while (end < keys && ReferenceEquals(_databases[end], database))
            {
                end++;
            }
            database.PrefetchKeys(_hashes.AsSpan(start, end - start));
            start = end;
        }
        _databases.AsSpan(0, keys).Clear();
    }
}
