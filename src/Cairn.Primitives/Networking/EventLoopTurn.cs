namespace Cairn.Primitives.Networking;

/// <summary>
/// Work deferred to the end of the current event-loop turn (one epoll_wait's batch of ready sockets) on this thread: the
/// requests of every client that was ready in the turn run first, then the deferred work once for all of them. The cluster
/// uses it so that the peer messages of all the routed requests read in one turn leave in one frame per peer (one send,
/// and one wake-up of the peer) instead of one each.
/// </summary>
/// <remarks>
/// Thread safety: per thread (thread-static state); only the loop thread that called <see cref="Begin"/> defers. Off an
/// event-loop thread, or outside a turn, <see cref="TryDefer"/> returns false and the caller runs the work itself.
/// </remarks>
public static class EventLoopTurn
{
    [ThreadStatic]
    private static List<Action>? t_deferred;

    [ThreadStatic]
    private static bool t_inTurn;

    /// <summary>True while this thread is inside an event-loop turn (work deferred now runs at its end).</summary>
    public static bool InTurn => t_inTurn;

    /// <summary>Called by an event loop before it handles a batch of ready sockets.</summary>
    public static void Begin() => t_inTurn = true;

    /// <summary>
    /// Runs <paramref name="work"/> at the end of this thread's current turn (once, however often it is deferred in the turn);
    /// returns false when not in a turn (the caller runs it now).
    /// </summary>
    public static bool TryDefer(Action work)
    {
        if (!t_inTurn)
        {
            return false;
        }
        List<Action> deferred = t_deferred ??= [];
        foreach (Action queued in deferred)
        {
            if (ReferenceEquals(queued, work))
            {
                return true;
            }
        }
        deferred.Add(work);
        return true;
    }

    /// <summary>
    /// As <see cref="TryDefer"/> for work the caller knows is not queued in this turn yet (it keeps its own flag), without
    /// the look for a duplicate: one per ready client in a turn would make that look quadratic.
    /// </summary>
    public static bool TryDeferNew(Action work)
    {
        if (!t_inTurn)
        {
            return false;
        }
        (t_deferred ??= []).Add(work);
        return true;
    }

    /// <summary>
    /// Called by the event loop after the batch: ends the turn, then runs the deferred work in order (work deferred while it
    /// runs is not in a turn any more, so it runs at once). <paramref name="onError"/> gets an item's exception.
    /// </summary>
    public static void End(Action<Exception> onError)
    {
        t_inTurn = false;
        List<Action>? deferred = t_deferred;
        if (deferred is null || deferred.Count == 0)
        {
            return;
        }
        t_deferred = null; // a deferred item that starts a turn of its own (it never should) gets a fresh list
        foreach (Action work in deferred)
        {
            try
            {
                work();
            }
            catch (Exception e)
            {
                onError(e);
            }
        }
        deferred.Clear();
        t_deferred ??= deferred;
    }
}
