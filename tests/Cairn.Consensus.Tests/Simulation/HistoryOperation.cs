namespace Cairn.Consensus.Tests.Simulation;

/// <summary>
/// One client operation on a register-per-key store: a write of a unique value, or a read that observed a value (null: absent).
/// A write whose outcome is unknown (timeout, crash, lost leadership) returns at <see cref="long.MaxValue"/>: it may take effect
/// at any point after its invocation, or never.
/// </summary>
public sealed class HistoryOperation
{
    public required int Id { get; init; }
    public required int Client { get; init; }
    public required string Key { get; init; }
    public required bool IsWrite { get; init; }

    /// <summary>Written value, or the value a completed read observed.</summary>
    public string? Value { get; set; }

    public required long InvokeMicros { get; init; }
    public long ReturnMicros { get; set; } = long.MaxValue;

    public override string ToString() =>
        $"#{Id} c{Client} {(IsWrite ? "put" : "get")}({Key}) {(IsWrite ? "<-" : "->")} {Value ?? "nil"} [{InvokeMicros}, {(ReturnMicros == long.MaxValue ? "?" : ReturnMicros)}]";
}
