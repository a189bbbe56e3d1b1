namespace Cairn.Engine.Lsm;

/// <summary>
/// Stored data failed verification (checksum, length or format). Names the file and byte offset of the damaged block or
/// record so that an operator can find it; the engine keeps serving everything else.
/// </summary>
public sealed class CorruptionException : IOException
{
    public CorruptionException(string filePath, long offset, string reason)
        : base($"corruption in {filePath} at offset {offset}: {reason}")
    {
        FilePath = filePath;
        Offset = offset;
        Reason = reason;
    }

    public string FilePath { get; }

    public long Offset { get; }

    public string Reason { get; }
}
