namespace Cairn.Server.Networking;

/// <summary>
/// A reader of an <see cref="Epoll.EpollSocket"/> that can say, from bytes a receive brought in before the receive
/// completes, which key (and member) its next request looks up, so that <see cref="ReadyKeysPrefetcher"/> prefetches the
/// look-ups of all of a loop's ready clients together. Implemented by <see cref="Connection"/>.
/// </summary>
internal interface IReceiveAheadTarget
{
    /// <summary>
    /// Fills <paramref name="request"/> with the database, key hash and argument positions of the first request in the
    /// buffered input plus <paramref name="receivedBytes"/> just received; false when there is no complete keyed request.
    /// Runs on the loop thread while the target's read waits, under the store lock.
    /// </summary>
    bool TryFirstRequest(int receivedBytes, ref AheadRequest request);
}
