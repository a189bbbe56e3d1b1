using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Server.Networking.Epoll;

namespace Cairn.Server.Networking;

/// <summary>
/// Prefetches the keys that the clients of one epoll wake-up are about to look up, before the first of them runs. With
/// many clients sending one request each (no pipelining), every request's key look-up otherwise stalls on its own cache
/// misses (bucket, slot, key) one after the other; issued together their misses overlap, as a pipelined batch's do
/// (<see cref="Connection"/>'s look-ahead). When several of those clients name the same key (50 clients adding to one
/// set, hash or sorted set), the members they name are prefetched in that collection's own table the same way: on a
/// large collection that look-up is where each request waits for memory. One per loop: its scratch arrays belong to the
/// loop's thread.
/// </summary>
internal sealed class ReadyKeysPrefetcher(ServerContext server) : IReceiveAheadBatch
{
    private const int MaxKeys = 64;
    private readonly AheadRequest[] _requests = new AheadRequest[MaxKeys];
    private readonly int[] _hashes = new int[MaxKeys];
    private readonly bool[] _grouped = new bool[MaxKeys];
    private readonly int[] _matches = new int[MaxKeys];

    public void Run(ReadOnlySpan<EpollSocket> received)
    {
        server.Store.Lock.Enter();
        try
        {
            while (!received.IsEmpty)
            {
                ReadOnlySpan<EpollSocket> part = received[..Math.Min(received.Length, MaxKeys)];
                received = received[part.Length..];
                int count = 0;
                foreach (EpollSocket socket in part)
                {
                    if (socket.AheadTarget is { } target && target.TryFirstRequest(socket.ReceivedAhead, ref _requests[count]))
                    {
                        count++;
                    }
                }
                PrefetchKeys(count);
                PrefetchMembers(count);
                _requests.AsSpan(0, count).Clear();
            }
        }
        finally
        {
            server.Store.Lock.Exit();
        }
    }

    /// <summary>Prefetches per database, in runs: clients nearly always share one, so that is a single call.</summary>
    private void PrefetchKeys(int count)
    {
        int start = 0;
        while (start < count)
        {
            Database database = _requests[start].Database!;
            int end = start;
            while (end < count && ReferenceEquals(_requests[end].Database, database))
            {
                _hashes[end] = _requests[end].KeyHash;
                end++;
            }
            database.PrefetchKeys(_hashes.AsSpan(start, end - start));
            start = end;
        }
    }

    /// <summary>
    /// For each key that two or more of the requests name in one database, prefetches the members they name in the value
    /// (<see cref="DataObject.PrefetchMembers"/>, members found by <see cref="LookAheadMember"/>). Keys named once are
    /// left alone: finding their value here would take the misses the key prefetch meant to overlap.
    /// </summary>
    private void PrefetchMembers(int count)
    {
        Span<bool> grouped = _grouped.AsSpan(0, count);
        grouped.Clear();
        for (int i = 0; i < count - 1; i++)
        {
            if (grouped[i])
            {
                continue;
            }
            ref AheadRequest first = ref _requests[i];
            int matches = 0;
            for (int j = i + 1; j < count; j++)
            {
                ref AheadRequest other = ref _requests[j];
                if (!grouped[j] && other.KeyHash == first.KeyHash && ReferenceEquals(other.Database, first.Database)
                    && other.Key.SequenceEqual(first.Key))
                {
                    grouped[j] = true;
                    _matches[matches++] = j;
                }
            }
            if (matches == 0 || first.Database!.PeekObject(first.Key) is not { HasMemberTable: true } value)
            {
                continue;
            }
            int members = AddMember(ref first, value, 0);
            foreach (int j in _matches.AsSpan(0, matches))
            {
                members = AddMember(ref _requests[j], value, members);
            }
            value.PrefetchMembers(_hashes.AsSpan(0, members));
        }
    }

    private int AddMember(ref AheadRequest request, DataObject value, int members)
    {
        ReadOnlySpan<int> starts = request.Starts;
        ReadOnlySpan<int> lengths = request.Lengths;
        if (LookAheadMember.TryHash(request.Buffer, starts[1..], lengths[1..], value.Type == DataType.SortedSet, out int hash))
        {
            _hashes[members++] = hash;
        }
        return members;
    }
}
