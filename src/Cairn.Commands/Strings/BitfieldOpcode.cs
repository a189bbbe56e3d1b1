namespace Cairn.Commands.Strings;

/// <summary>BITFIELD's sub-commands that read or write a field.</summary>
internal enum BitfieldOpcode
{
    Get,
    Set,
    IncrBy,
}
