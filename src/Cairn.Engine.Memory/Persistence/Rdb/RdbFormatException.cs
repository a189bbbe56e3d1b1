namespace Cairn.Engine.Memory.Persistence.Rdb;

/// <summary>
/// RDB bytes that are not a valid encoding; <see cref="Offset"/> is where in the input reading failed. RESTORE turns it
/// into "Bad data format"; the file loader into an InvalidDataException naming the file.
/// </summary>
public sealed class RdbFormatException : Exception
{
    public RdbFormatException(long offset, string reason)
        : base($"at offset {offset}: {reason}")
    {
        Offset = offset;
        Reason = reason;
    }

    public long Offset { get; }

    public string Reason { get; }
}
