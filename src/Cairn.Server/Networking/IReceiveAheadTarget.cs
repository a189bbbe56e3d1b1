using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Server.Networking;

/// <summary>
/// A reader of an <see cref="Epoll.EpollSocket"/> that can say, from bytes a receive brought in before the receive
/// completes, which key its next request looks up, so that <see cref="ReadyKeysPrefetcher"/> prefetches the keys of all
/// of a loop's ready clients together. Implemented by <see cref="Connection"/>.
/// </summary>
internal interface IReceiveAheadTarget
{
    /// <summary>
    /// The database and key hash (<see cref="Database.HashKey"/>) of the first request in the buffered input plus
    /// <paramref name="receivedBytes"/> just received; false when there is no complete keyed request. Runs on the loop
    /// thread while the target's read waits, under the store lock.
    /// </summary>
    bool TryFirstKey(int receivedBytes, out Database database, out int hash);
}
