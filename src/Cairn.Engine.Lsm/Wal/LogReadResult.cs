namespace Cairn.Engine.Lsm.Wal;

internal enum LogReadResult
{
    Record,
    EndOfFile,

    /// <summary>A damaged record was skipped; <see cref="LogReader.ProblemOffset"/> and <see cref="LogReader.ProblemReason"/> say where and why.</summary>
    Corrupted,
}
