namespace Cairn.Commands.Strings;

/// <summary>BITFIELD's OVERFLOW behaviours.</summary>
internal enum BitfieldOverflow
{
    Wrap,
    Saturate,
    Fail,
}
