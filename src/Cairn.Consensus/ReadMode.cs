namespace Cairn.Consensus;

public enum ReadMode : byte
{
    /// <summary>Every read waits for a heartbeat round confirming a majority still follows this leader.</summary>
    ReadIndex = 1,

    /// <summary>
    /// Reads are served at once while the leader's lease holds (a majority heard from it within ElectionTimeoutTicks minus the
    /// clock-drift bound); otherwise as <see cref="ReadIndex"/>. Safe only if tick rates differ by less than the bound allows.
    /// </summary>
    LeaderLease = 2,
}
