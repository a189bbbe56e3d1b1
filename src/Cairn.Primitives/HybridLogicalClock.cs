namespace Cairn.Primitives;

/// <summary>
/// Hybrid logical clock (Kulkarni et al.): timestamps never go backwards and stay close to physical time.
/// Thread safety: not thread safe; the owner serialises access. Physical time is passed in, never read here.
/// </summary>
public sealed class HybridLogicalClock
{
    private long _physical;
    private int _logical;

    /// <summary>Timestamp for a local event or a send.</summary>
    public HybridTimestamp Now(long physicalMilliseconds)
    {
        if (physicalMilliseconds > _physical)
        {
            _physical = physicalMilliseconds;
            _logical = 0;
        }
        else
        {
            _logical++;
            if (_logical > 0xFFFF)
            {
                _physical++;
                _logical = 0;
            }
        }
        return HybridTimestamp.Create(_physical, _logical);
    }

    /// <summary>Merges a timestamp received from a peer, returning the timestamp of the receive event.</summary>
    public HybridTimestamp Observe(HybridTimestamp remote, long physicalMilliseconds)
    {
        long remotePhysical = remote.PhysicalMilliseconds;
        long max = Math.Max(Math.Max(_physical, remotePhysical), physicalMilliseconds);
        if (max == _physical && max == remotePhysical)
        {
            _logical = Math.Max(_logical, remote.Logical) + 1;
        }
        else if (max == _physical)
        {
            _logical++;
        }
        else if (max == remotePhysical)
        {
            _logical = remote.Logical + 1;
        }
        else
        {
            _logical = 0;
        }
        _physical = max;
        if (_logical > 0xFFFF)
        {
            _physical++;
            _logical = 0;
        }
        return HybridTimestamp.Create(_physical, _logical);
    }
}
