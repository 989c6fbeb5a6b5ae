/**
 * The {@code mqtt} broker: publish/subscribe over an MQTT 3.1.1 server (Mosquitto, EMQX, HiveMQ, …)
 * with Eclipse Paho. Events travel as go-micro's JSON broker message
 * ({@code {"Header":{…},"Body":"<base64>"}}) at QoS 1, so Go services using go-micro's
 * {@code broker/mqtt} plugin and Java services read each other's events; queue groups are MQTT
 * shared subscriptions ({@code $share/<group>/<topic>}); a subscriber acknowledges (PUBACK) only
 * after its handler returned. {@link io.micro.plugins.broker.mqtt.MqttBroker} is the entry point;
 * the module README says exactly what MQTT does and does not guarantee.
 */
@NullMarked
package io.micro.plugins.broker.mqtt;

import org.jspecify.annotations.NullMarked;
