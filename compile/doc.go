// Package compile turns a parsed Lua chunk (syntax.Chunk) into function
// prototypes of Lua 5.4.7's register instruction set, and reads and writes
// prototypes in a binary form (string.dump).
//
// The code generator reproduces the reference compiler (lparser.c +
// lcode.c) decision for decision, so that `luac -l -l` listings of both
// agree: the reference is a single-pass compiler, and its output depends on
// the order in which it sees tokens, so this package walks the syntax tree
// in source order and replays the same events. Expressions are described by
// an expdesc whose value is not yet placed anywhere (a constant, a local, a
// table field, a relocatable instruction, a pending jump...) until the
// context decides where it goes; conditional expressions carry lists of
// pending jumps that are patched when their targets become known.
//
// Line attribution follows the reference too: each instruction records the
// line of the last token the reference's parser had consumed when it
// emitted it (some instructions are then "fixed" to an operator's or a
// call's line). The compiler tracks that line while it walks the tree; where
// the tree does not record a token's line (a closing parenthesis, a comma),
// it uses the nearest line that it does record.
//
// Files: code.go emits instructions and manages registers, jump lists and
// constants; expdesc.go places expression values; operators.go compiles
// operators and folds constants; exprs.go and stmts.go walk the tree;
// scope.go handles blocks, variables, upvalues, labels and gotos;
// listing.go prints `luac -l -l` listings; dump.go is the binary format and
// verify.go the verifier that makes loaded (possibly hostile) code safe to
// run.
package compile
