namespace Cairn.Documents.Operations;

public enum JsonSetCondition : byte
{
    None = 0,
    /// <summary>NX: only if the path does not exist.</summary>
    IfMissing = 1,
    /// <summary>XX: only if the path exists.</summary>
    IfExists = 2,
}
