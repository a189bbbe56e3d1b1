namespace Cairn.Server.Networking.Epoll;

/// <summary>
/// Whether an event loop that has just finished a turn polls for its next events for a while (the
/// <c>event-loop-poll-us</c> window) before it sleeps in <c>epoll_wait</c>. Polling pays when the next request arrives
/// within the window: the client's send then finds the loop awake and does not have to wake it, a wake-up that costs
/// the sending client about a microsecond of its own CPU on this VM (an IPI) and the loop a sleep and a wake-up of its
/// own. It wastes the window when nothing comes, so polls that find nothing back off: after <c>n</c> empty polls in a
/// row the loop sleeps at once for the next <c>2^n - 1</c> turns (at most <see cref="MaxSkippedTurns"/>), and one poll
/// that finds events polls every turn again. A lightly loaded or idle server therefore almost never polls. Not
/// thread-safe: one per loop.
/// </summary>
internal struct IdlePoll
{
    /// <summary>Empty polls in a row past which the back-off grows no longer.</summary>
    private const int MaxMisses = 6;

    /// <summary>The most turns a loop sleeps at once between two polls, once polls keep finding nothing.</summary>
    public const int MaxSkippedTurns = (1 << MaxMisses) - 1;

    private int _misses; // polls in a row that found nothing, up to MaxMisses
    private int _skip; // turns left that sleep without polling

    /// <summary>Called once per turn when polling is configured: whether this turn polls before it sleeps.</summary>
    public bool ShouldPoll()
    {
        if (_skip > 0)
        {
            _skip--;
            return false;
        }
        return true;
    }

    /// <summary>Records what a poll found: events (polling goes on every turn) or nothing before the window ended.</summary>
    public void Polled(bool foundEvents)
    {
        if (foundEvents)
        {
            _misses = 0;
            return;
        }
        _misses = Math.Min(_misses + 1, MaxMisses);
        _skip = (1 << _misses) - 1;
    }
}
