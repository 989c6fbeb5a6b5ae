/**
 * go-micro's legacy proto-RPC envelope ({@code application/proto-rpc}, and
 * {@code application/protobuf} or {@code application/octet-stream} from peers that send no
 * {@code Micro-*} headers): two netstrings (a 4-byte big-endian length, then the bytes), first a
 * small protobuf header carrying the method, the sequence number and the error, then the body.
 */
@NullMarked
package io.micro.codec.protorpc;

import org.jspecify.annotations.NullMarked;
