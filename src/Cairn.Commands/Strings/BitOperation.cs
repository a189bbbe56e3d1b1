namespace Cairn.Commands.Strings;

/// <summary>BITOP's operations.</summary>
internal enum BitOperation
{
    And,
    Or,
    Xor,
    Not,
}
