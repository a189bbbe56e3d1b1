namespace Cairn.Engine.Memory.Streams;

/// <summary>One stream entry: its ID and its fields and values, interleaved (field, value, field, value...).</summary>
public readonly record struct StreamEntry(StreamId Id, byte[][] FieldsAndValues)
{
    /// <summary>Accounted bytes: the ID, the array and each field or value with a small per-item overhead.</summary>
    public long SizeBytes
    {
        get
        {
            long size = 16 + 24 + 8L * FieldsAndValues.Length;
            foreach (byte[] item in FieldsAndValues)
            {
                size += item.Length + 16;
            }
            return size;
        }
    }
}
