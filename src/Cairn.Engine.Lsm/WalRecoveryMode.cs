namespace Cairn.Engine.Lsm;

/// <summary>What opening a database does with a damaged write-ahead log.</summary>
public enum WalRecoveryMode
{
    /// <summary>Replay up to the first damaged record and stop there, reporting the damage in
    /// <see cref="LsmDatabase.RecoveryReport"/>: the database opens as of a consistent point in time.</summary>
    PointInTime = 0,

    /// <summary>Refuse to open (throw <see cref="CorruptionException"/>) if any record other than a torn tail is damaged.</summary>
    AbsoluteConsistency = 1,
}
