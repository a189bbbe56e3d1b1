namespace Cairn.Server.Networking.Epoll;

/// <summary>
/// Sees, on the loop thread, every socket of one epoll wake-up that received bytes (<see cref="EpollSocket.ReceiveAhead"/>)
/// before any of their reads completes: the place to overlap work for all of them, such as the cache misses of their key
/// look-ups (<see cref="ReadyKeysPrefetcher"/>).
/// </summary>
internal interface IReceiveAheadBatch
{
    void Run(ReadOnlySpan<EpollSocket> received);
}
