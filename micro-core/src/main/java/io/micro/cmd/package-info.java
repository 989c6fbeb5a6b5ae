/** See DESIGN: io.micro.cmd. */
@NullMarked
package io.micro.cmd;

import org.jspecify.annotations.NullMarked;
