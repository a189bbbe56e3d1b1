namespace Cairn.Commands.Strings;

/// <summary>One parsed BITFIELD GET/SET/INCRBY, with the OVERFLOW mode in force when it was given.</summary>
internal readonly record struct BitfieldOperation(
    BitfieldOpcode Opcode, bool Signed, int Bits, long Offset, long Operand, BitfieldOverflow Overflow);
