namespace Cairn.Consensus.Tests.Simulation;

public sealed class SimulationStatistics
{
    public long Events { get; set; }
    public long MessagesSent { get; set; }
    public long MessagesDropped { get; set; }
    public long MessagesDuplicated { get; set; }
    public int LeadersElected { get; set; }
    public int Crashes { get; set; }
    public int CrashesBeforeSync { get; set; }
    public int Restarts { get; set; }
    public int Partitions { get; set; }
    public int MembershipChanges { get; set; }
    public int Transfers { get; set; }
    public int Compactions { get; set; }
    public int SnapshotsInstalled { get; set; }
    public int OperationsCompleted { get; set; }
    public int OperationsFailed { get; set; }
    public int OperationsIndeterminate { get; set; }
    public int InvariantChecks { get; set; }
    public ulong CommittedIndex { get; set; }
    public LinearizabilityResult Linearizability { get; set; }

    public override string ToString() =>
        $"events={Events} msgs={MessagesSent} dropped={MessagesDropped} dup={MessagesDuplicated} leaders={LeadersElected} " +
        $"crashes={Crashes} (before sync {CrashesBeforeSync}) partitions={Partitions} membership={MembershipChanges} " +
        $"transfers={Transfers} compactions={Compactions} snapshotsInstalled={SnapshotsInstalled} ops ok={OperationsCompleted} " +
        $"failed={OperationsFailed} unknown={OperationsIndeterminate} commit={CommittedIndex} checks={InvariantChecks} lin={Linearizability}";
}
