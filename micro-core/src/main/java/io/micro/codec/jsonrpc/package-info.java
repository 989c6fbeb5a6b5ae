/**
 * go-micro's legacy JSON-RPC envelope ({@code application/json-rpc}, and {@code application/json}
 * from peers that send no {@code Micro-*} headers): a request
 * {@code {"method":"Say.Hello","params":[{...}],"id":0}} answered by
 * {@code {"id":0,"result":{...},"error":null}}, each followed by a newline.
 */
@NullMarked
package io.micro.codec.jsonrpc;

import org.jspecify.annotations.NullMarked;
